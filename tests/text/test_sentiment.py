"""The shipped sentiment model loads offline and scores clear cases right, in French and English."""

from __future__ import annotations

import numpy as np
import pytest

from tribu.text._features import DENSE_NAMES
from tribu.text.sentiment import SentimentScorer

SCORER = SentimentScorer()

STRONGLY_POSITIVE = [
    "Trop bien le live d'hier, merci à toute l'équipe !!",
    "J'adore cette marque, le produit est parfait 😍",
    "Amazing stream, thank you so much, I loved it!",
    "Best community ever, you guys are awesome ❤️",
]
STRONGLY_NEGATIVE = [
    "Je n'aime pas du tout le nouveau logo, c'est nul",
    "Service client catastrophique, toujours pas reçu ma commande 😡",
    "I don't like it at all, what a terrible update",
    "Worst support ever, still no refund, this is a scam",
]
PLAIN_FACTS = [
    "Le live commence à 20h demain.",
    "Mon numéro de commande est le 48213",
    "The meetup is in Leeds on March 12",
    "I ordered a size M",
]


@pytest.mark.parametrize("text", STRONGLY_POSITIVE)
def test_strongly_positive_scores_above_0_7(text: str) -> None:
    assert SCORER.score([text])[0] > 0.7


@pytest.mark.parametrize("text", STRONGLY_NEGATIVE)
def test_strongly_negative_scores_below_0_3(text: str) -> None:
    assert SCORER.score([text])[0] < 0.3


@pytest.mark.parametrize("text", PLAIN_FACTS)
def test_plain_fact_scores_near_neutral(text: str) -> None:
    assert 0.35 <= SCORER.score([text])[0] <= 0.65


def test_negation_turns_praise_negative() -> None:
    # « j'aime » alone leans positive; the same words negated must lean negative.
    liked, not_liked = SCORER.score(
        ["j'aime le nouveau logo", "je n'aime pas le nouveau logo"]
    )
    assert liked > 0.5 > not_liked


def test_empty_message_is_exactly_neutral() -> None:
    # no token at all: the scorer returns (0, 1, 0), so the score is 0.5 exactly
    assert SCORER.score(["", "   "]).tolist() == [0.5, 0.5]


def test_scores_lie_in_unit_interval_and_follow_probabilities() -> None:
    texts = STRONGLY_POSITIVE + STRONGLY_NEGATIVE + PLAIN_FACTS
    proba = SCORER.predict_proba(texts)
    scores = SCORER.score(texts)
    assert np.allclose(proba.sum(axis=1), 1.0)
    # score = P(pos) + 0.5 P(neu), by definition
    assert np.allclose(scores, proba[:, 2] + 0.5 * proba[:, 1])
    assert ((scores >= 0) & (scores <= 1)).all()


def test_learned_state_ends_in_underscore_and_init_only_stores() -> None:
    fresh = SentimentScorer(C=2.0)
    assert fresh.C == 2.0 and not hasattr(fresh, "coef_")
    fresh.predict(["ok"])
    space = fresh.features_
    # columns: each word twice (plain, negated), each pair once, 2^char_bits buckets, dense
    expected = (
        2 * len(space.words) + len(space.pairs) + 2**space.char_bits + len(DENSE_NAMES)
    )
    assert fresh.coef_.shape == (expected, 3)


def test_fit_returns_self_and_learns_a_toy_split() -> None:
    texts = [
        "super top",
        "génial super",
        "nul horrible",
        "horrible nul",
        "le live",
        "à 20h",
    ] * 3
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 3
    model = SentimentScorer(min_count=1, C=10.0)
    assert model.fit(texts, labels) is model
    assert model.predict(["super génial", "horrible"]) == ["positive", "negative"]


def test_missing_weights_raise_model_error(tmp_path) -> None:
    from tribu.errors import ModelError

    with pytest.raises(ModelError, match="sentiment.npz"):
        SentimentScorer(model_dir=tmp_path).score(["ok"])


def test_plain_multinomial_option_learns_the_same_toy_split() -> None:
    # nb_alpha=None fits one multinomial logistic regression instead of NB-LR
    texts = ["super top", "génial super", "nul horrible", "horrible nul", "le live"] * 3
    labels = ["positive", "positive", "negative", "negative", "neutral"] * 3
    model = SentimentScorer(min_count=1, C=10.0, nb_alpha=None).fit(texts, labels)
    assert model.predict(["super génial", "horrible", "le live"]) == [
        "positive",
        "negative",
        "neutral",
    ]


def test_nb_ratio_points_a_class_only_word_towards_its_class() -> None:
    # "génial" occurs only in positive texts: its naive-Bayes ratio for "positive" is > 0 and
    # for "negative" < 0, and the ratio is folded into the saved weight, so its positive
    # weight must exceed its negative weight.
    texts = ["génial", "génial top", "nul", "nul bof", "le live", "à 20h"] * 2
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 2
    model = SentimentScorer(min_count=1, nb_alpha=0.25).fit(texts, labels)
    column = model.features_.words.index("génial")
    assert model.coef_[column, 2] > 0 > model.coef_[column, 0]


def test_spoken_french_negation_marks_the_verb_before_pas() -> None:
    # « ne » is dropped in chat: « j'aime pas » negates « aime » (before « pas »), and « pas »
    # still negates what follows (« ce », « logo »), up to the end of the message.
    from tribu.text._batch_text import tokenise_batch

    batch = tokenise_batch(["j'aime pas ce logo", "j'aime ce logo"])
    marks = dict(zip(batch.tokens[:5], batch.negated[:5].tolist(), strict=True))
    assert marks == {"j": False, "aime": True, "pas": False, "ce": True, "logo": True}
    assert not batch.negated[6:].any()  # the second message has no negation
    assert SCORER.score(["j'aime pas"])[0] < 0.3


def test_teacher_vectors_give_an_unseen_word_the_weight_of_its_neighbours() -> None:
    # « fabuleux » and « atroce » never occur in the training texts; their teacher vectors
    # equal those of « super » (positive) and « nul » (negative). With the vectors, the vector
    # columns' weights are folded into the word columns, so « fabuleux » gets super's
    # direction: v(fabuleux) @ W_vectors = v(super) @ W_vectors, which is positive for the
    # positive class. The saved model has no extra column: only the two words more.
    texts = ["super", "super top", "nul", "nul bof", "le live", "à 20h"] * 3
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 3
    vectors = {
        "super": np.array([1.0, 0.0]),
        "nul": np.array([-1.0, 0.0]),
        "le": np.array([0.0, 1.0]),
        "fabuleux": np.array([1.0, 0.0]),
        "atroce": np.array([-1.0, 0.0]),
    }
    # vector_scale 3: the toy vectors are short; without them the model has nothing on
    # these two words but hashed character n-grams (about 0.5 each, checked below)
    model = SentimentScorer(min_count=1, C=10.0, char_bits=12, vector_scale=3.0).fit(
        texts, labels, word_vectors=vectors
    )
    plain = SentimentScorer(min_count=1, C=10.0, char_bits=12).fit(texts, labels)
    assert model.coef_.shape[0] == plain.coef_.shape[0] + 2 * 2  # two words, twice
    fabuleux, atroce = model.score(["fabuleux", "atroce"])
    assert fabuleux > 0.7 and atroce < 0.3  # measured 0.75 and 0.25
    assert all(abs(s - 0.5) < 0.05 for s in plain.score(["fabuleux", "atroce"]))
    # a negated word is pushed the other way: « pas fabuleux » scores below « fabuleux »
    assert model.score(["pas fabuleux"])[0] < fabuleux


def test_chat_spellings_are_read_as_their_word() -> None:
    from tribu.text._batch_text import tokenise_batch

    batch = tokenise_batch(["jsuis pa content", "mrc bcp", "thx u rock", "c'est nul"])
    assert batch.tokens == ["suis", "pas", "content", "\x00", "merci", "beaucoup",
                            "\x00", "thanks", "you", "rock", "\x00", "c", "est", "nul"]  # fmt: skip
    # « pa » is a negation like « pas »: « content » is in its scope, « suis » before it too
    assert batch.negated[:3].tolist() == [True, False, True]
