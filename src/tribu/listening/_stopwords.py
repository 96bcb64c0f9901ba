"""French and English stop-words, and chat fillers, left out of topic labels.

English: scikit-learn's ``ENGLISH_STOP_WORDS`` (the Glasgow list, 318 words). French: a
hand-made list of articles, pronouns, auxiliaries, prepositions, conjunctions and frequent
adverbs (no library we already depend on ships one). Both gain the chat fillers of community
messages (« mdr », « svp », "lol", "pls"...), which say nothing about a topic.
"""

from __future__ import annotations

import functools

__all__ = ["STOP_WORDS", "stop_words"]

STOP_WORDS: frozenset[str]  # built at first use by the module's ``__getattr__``

_FRENCH = """
a à ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais
aurait auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles auxquels avaient
avais avait avant avec avez aviez avions avoir avons ayant ayez ayons bah ben bien c ça ca car ce
ceci cela celle celles celui cependant certain certaine certains ces cet cette ceux chacun chaque
chez ci comme comment d dans de des desquelles desquels deux dois doit donc dont du duquel durant
elle elles en encore entre es est et étaient étais était étant été êtes étiez étions être eu eue
eues euh eûmes eurent eus eusse eut eux fais fait faire faut fois font furent fus fut ici il ils
j je jusqu jusque l la là laquelle le lequel les lesquelles lesquels leur leurs lui m ma mais me
même mêmes mes moi moins mon n ne ni non nos notre nous on ont ou où oui par parce pas peu peut
peux plus pour pourquoi puis qu quand que quel quelle quelles quels qui quoi s sa sans se sera
serai seraient serais serait seras serez seriez serions serons seront ses si sien soi soient sois
soit sommes son sont sous suis sur t ta te tes toi ton tous tout toute toutes très tu un une vers
voici voilà vos votre vous y été avoir fait faites deja déjà juste trop vraiment tres aussi
quelqu quelque quelques qqn qqch chose choses ya y'a cest c'est j'ai jai
"""

_CHAT = """
lol mdr ptdr xd haha hahaha hihi ok okay oki dac daccord svp stp pls plz please merci thanks
thank thx ty hello hi hey salut bonjour bonsoir coucou yo yes yeah yep nope oh ah wow omg
genre grave trop vraiment really just like guys gens les gars team everyone anyone someone
quelqu'un help aide rn tbh imo idk
"""


@functools.cache
def stop_words() -> frozenset[str]:
    """The stop-words (built at first use: scikit-learn takes about a second to import, and
    the report, which imports every measure module, never needs them)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(
        {w.lower() for w in ENGLISH_STOP_WORDS}
        | set(_FRENCH.split())
        | set(_CHAT.split())
        | {
            "im",
            "dont",
            "didnt",
            "doesnt",
            "cant",
            "wont",
            "ive",
            "isnt",
            "its",
            "u",
            "ur",
        }
    )


def __getattr__(name: str) -> frozenset[str]:
    """``STOP_WORDS``, built at first use (see :func:`stop_words`)."""
    if name == "STOP_WORDS":
        return stop_words()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
