"""Members' sentence templates by topic, in French and English, in three tones.

Data only; :mod:`tribu.demo._phrases` fills and decorates them. Topics: sizes (``tailles``),
delivery (``livraison``), soles (``semelles``), recycled materials (``matieres``), prices
(``prix``), events (``evenements``), the Loop's sole peeling off (``decollement``, the cluster that
emerges in October) and everyday banter. Every product and place is invented or generic.
"""

from __future__ import annotations

__all__ = ["TOPICS"]

# topic -> lang -> part -> tone -> templates
TOPICS: dict[str, dict[str, dict[str, dict[str, tuple[str, ...]]]]] = {
    "tailles": {
        "fr": {
            "start": {
                "pos": (
                    "J'ai pris ma pointure habituelle ({pointure}) en {model}, taille parfaite",
                    "La {model} taille vraiment juste, trop contente de mon {pointure}",
                ),
                "neu": (
                    "Vous prenez quelle pointure en {model} ? je fais du {pointure} d'habitude",
                    "La {model} taille grand ou petit ? j'hésite entre {pointure} et la suivante",
                    "Quelqu'un a comparé les tailles entre la {model} et la Loop ?",
                ),
                "neg": (
                    "La {model} taille petit, mon {pointure} me serre, pas terrible",
                    "Trop étroite au niveau des orteils la {model}, je n'aime pas du tout",
                ),
            },
            "reply": {
                "pos": (
                    "Pareil, taille normale, aucun souci 👌",
                    "Prends ta taille habituelle, elle chausse parfaitement",
                ),
                "neu": (
                    "Moi j'ai pris une demi-pointure au-dessus",
                    "Ça dépend si tu as le pied large",
                    "Le guide des tailles est dans la fiche produit",
                ),
                "neg": (
                    "Oui elle taille petit, j'ai dû faire un échange",
                    "Pareil pour moi, pas du tout confortable au début",
                ),
            },
        },
        "en": {
            "start": {
                "pos": (
                    "True to size for me, my usual {pointure} fits perfectly in the {model}",
                ),
                "neu": (
                    "Does the {model} run small? I'm usually a {pointure}",
                    "Anyone compared sizing between the {model} and the Loop?",
                ),
                "neg": ("The {model} runs small, my {pointure} pinches, not great",),
            },
            "reply": {
                "pos": ("Same, true to size, no issue at all",),
                "neu": ("I went half a size up", "Depends on how wide your feet are"),
                "neg": ("Yes it runs small, I had to exchange mine",),
            },
        },
    },
    "livraison": {
        "fr": {
            "start": {
                "pos": (
                    "Reçu ma {model} en {jours} jours à {ville}, nickel 📦",
                    "Livraison super rapide, colis en carton recyclé, bravo",
                ),
                "neu": (
                    "Quelqu'un sait combien de temps prend la livraison vers {ville} ?",
                    "Commande passée hier, suivi pas encore à jour",
                ),
                "neg": (
                    "Ça fait {jours} jours que j'attends mon colis, c'est long",
                    "Colis bloqué depuis une semaine, le suivi ne bouge plus 😤",
                    "Livraison en retard et aucune réponse du service client, déçu",
                ),
            },
            "reply": {
                "pos": (
                    "Moi c'était rapide, reçu en 3 jours",
                    "Le service client m'a répondu vite",
                ),
                "neu": (
                    "En général c'est 3 à 5 jours ouvrés",
                    "Regarde le lien de suivi dans le mail",
                ),
                "neg": ("Pareil, toujours rien reçu", "Même souci, c'est pas normal"),
            },
        },
        "en": {
            "start": {
                "pos": ("Got my {model} in {jours} days in {city}, great packaging",),
                "neu": ("How long does shipping to {city} take?",),
                "neg": ("Still waiting for my parcel after {jours} days, not happy",),
            },
            "reply": {
                "pos": ("Mine came super fast",),
                "neu": ("Usually 5 to 7 days abroad",),
                "neg": ("Same here, nothing yet",),
            },
        },
    },
    "semelles": {
        "fr": {
            "start": {
                "pos": (
                    "{km} km avec la {model} et la semelle tient super bien",
                    "L'adhérence de la {model} sous la pluie, franchement rien à dire",
                ),
                "neu": (
                    "La semelle de la {model} est en caoutchouc naturel ou recyclé ?",
                    "On peut changer la semelle de la {model} ou pas ?",
                ),
                "neg": (
                    "Ma semelle s'use déjà au talon après {km} km, pas terrible",
                    "La semelle de ma {model} se décolle déjà, je suis dégoûté",
                ),
            },
            "reply": {
                "pos": ("Aucune usure chez moi, elle est solide",),
                "neu": (
                    "Il y a un service de ressemelage je crois",
                    "C'est du caoutchouc naturel",
                ),
                "neg": (
                    "Pareil, la mienne se décolle à l'avant",
                    "J'ai eu le même souci de colle",
                ),
            },
        },
        "en": {
            "start": {
                "pos": ("{km} km on my {model} and the sole still looks new",),
                "neu": ("Is the sole natural or recycled rubber?",),
                "neg": ("The sole of my {model} is already peeling off, disappointed",),
            },
            "reply": {
                "pos": ("Mine is holding up great",),
                "neu": ("I think they offer resoling",),
                "neg": ("Same problem, the glue gave way",),
            },
        },
    },
    "matieres": {
        "fr": {
            "start": {
                "pos": (
                    "J'adore que la {model} soit en coton bio et plastique recyclé ♻️",
                    "Des baskets en matières recyclées qui durent, enfin !",
                ),
                "neu": (
                    "C'est quoi exactement la part de matières recyclées dans la {model} ?",
                    "La toile de la {model}, c'est du lin ou du coton ?",
                ),
                "neg": (
                    "Le recyclé c'est bien mais la toile s'abîme vite",
                    "Pas convaincue par le cuir végétal, il craque déjà",
                ),
            },
            "reply": {
                "pos": (
                    "C'est ce qui m'a convaincu d'acheter",
                    "Trop bien cette démarche 🌱",
                ),
                "neu": (
                    "Tout est détaillé sur la page matières",
                    "Environ 70 % je crois",
                ),
                "neg": ("Oui, la toile marque vite", "Pas fan non plus"),
            },
        },
        "en": {
            "start": {
                "pos": (
                    "Love that the {model} uses organic cotton and recycled plastic",
                ),
                "neu": ("What share of the {model} is recycled material?",),
                "neg": ("Recycled is nice but the canvas wears out fast",),
            },
            "reply": {
                "pos": ("That's why I bought them",),
                "neu": ("It's all on the materials page",),
                "neg": ("Yeah the canvas marks easily",),
            },
        },
    },
    "prix": {
        "fr": {
            "start": {
                "pos": (
                    "{prix} € pour une basket fabriquée au Portugal, ça reste correct",
                ),
                "neu": (
                    "Il y a des soldes prévues sur la {model} ?",
                    "Un code promo pour la {model} quelqu'un ?",
                ),
                "neg": (
                    "{prix} € la {model}, c'est un peu cher pour moi",
                    "Les prix ont augmenté, je n'aime pas du tout ça",
                ),
            },
            "reply": {
                "pos": ("Vu la durée de vie ça vaut le coup",),
                "neu": (
                    "Il y a souvent un code pendant les lives",
                    "Inscris-toi à la newsletter",
                ),
                "neg": ("Trop cher pour moi aussi", "Oui ça pique un peu"),
            },
        },
        "en": {
            "start": {
                "pos": ("Fair price for shoes made in Portugal",),
                "neu": ("Any discount code for the {model}?",),
                "neg": ("{prix} euros is a bit steep for me",),
            },
            "reply": {
                "pos": ("Worth it given how long they last",),
                "neu": ("They share codes during the lives",),
                "neg": ("Too expensive for me too",),
            },
        },
    },
    "evenements": {
        "fr": {
            "start": {
                "pos": (
                    "Le pop-up store de {ville} était génial, merci l'équipe !",
                    "Trop hâte du prochain run club à {ville} 🏃",
                ),
                "neu": (
                    "Il y a un événement Semelle prévu à {ville} ?",
                    "Quelqu'un va au run club de dimanche ?",
                ),
                "neg": (
                    "Encore rien à {ville}, toujours Paris 😒",
                    "Le pop-up était bondé, pas terrible l'organisation",
                ),
            },
            "reply": {
                "pos": ("J'y serai !", "Trop bien, on se voit là-bas"),
                "neu": ("Les dates sont dans #annonces", "Je crois que c'est à 10h"),
                "neg": ("Pareil, jamais rien en province", "Oui c'était le bazar"),
            },
        },
        "en": {
            "start": {
                "pos": ("The run club meetup was awesome, thanks team!",),
                "neu": ("Any Semelle event planned in {city}?",),
                "neg": ("Nothing outside France again, sad",),
            },
            "reply": {
                "pos": ("Count me in!",),
                "neu": ("Check the announcements channel",),
                "neg": ("Agreed, too bad",),
            },
        },
    },
    "decollement": {
        "fr": {
            "start": {
                "pos": (
                    "Ma Loop a {km} km et la semelle ne bouge pas, j'ai eu de la chance",
                ),
                "neu": (
                    "La semelle de la Loop qui se décolle, c'est couvert par la garantie ?",
                    "Vous avez aussi la semelle de la Loop qui se décolle à l'avant ?",
                ),
                "neg": (
                    "La semelle de ma Loop se décolle après {jours} semaines, inadmissible",
                    "Encore une Loop dont la semelle se décolle, ça devient un vrai problème",
                    "Semelle décollée sur ma Loop {couleur}, pas terrible pour une marque durable",
                ),
            },
            "reply": {
                "pos": ("Le SAV me l'a remplacée en 48h, top",),
                "neu": ("Envoie une photo au SAV, ils gèrent la garantie",),
                "neg": (
                    "Pareil, la semelle de ma Loop se décolle aussi",
                    "Même problème de colle",
                ),
            },
        },
        "en": {
            "start": {
                "pos": ("My Loop sole is still fine after {km} km",),
                "neu": ("Is the Loop sole peeling covered by warranty?",),
                "neg": (
                    "The sole of my Loop is peeling off after {jours} weeks, unacceptable",
                ),
            },
            "reply": {
                "pos": ("Support replaced mine quickly",),
                "neu": ("Send a photo to support",),
                "neg": ("Same here, my Loop sole is peeling too",),
            },
        },
    },
    "banter": {
        "fr": {
            "start": {
                "pos": (
                    "Bonne soirée à tous 😄",
                    "Qui a couru ce matin ? {km} m de dénivelé pour moi, trop bien",
                    "Je viens de recevoir ma {model} {couleur}, elle est trop belle",
                ),
                "neu": (
                    "Vous faites quoi ce week-end ?",
                    "Petite question du jour : {model} ou Loop ?",
                ),
                "neg": (
                    "Journée pourrie, il pleut sur {ville}",
                    "Pas motivé pour courir aujourd'hui",
                ),
            },
            "reply": {
                "pos": (
                    "Haha trop vrai",
                    "Merci !",
                    "Grave 😂",
                    "+1",
                    "Trop bien !",
                    "Pas mal du tout",
                ),
                "neu": (
                    "Ah ok",
                    "Je sais pas trop",
                    "Ça dépend",
                    "Je regarde ça ce soir",
                ),
                "neg": ("Bof", "Courage !", "Pas terrible en effet", "Ah mince"),
            },
        },
        "en": {
            "start": {
                "pos": (
                    "Have a great evening everyone",
                    "Just got my {model} in {colour}, love it",
                ),
                "neu": (
                    "What are you all up to this weekend?",
                    "Quick poll: {model} or Loop?",
                ),
                "neg": ("Rainy day in {city} again", "Not motivated to run today"),
            },
            "reply": {
                "pos": ("Haha so true", "Thanks!", "+1", "Love it", "Not bad at all"),
                "neu": ("I see", "Not sure", "Depends"),
                "neg": ("Meh", "Oh no", "That sucks"),
            },
        },
    },
}
