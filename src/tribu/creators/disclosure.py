"""The disclosure check of French law n° 2023-451 of 9 June 2023 on commercial influence.

Article 5 of the law asks that commercial influence content say so clearly, with the words
« Publicité » or « Collaboration commerciale », and that an image retouched to change a face
or silhouette say « Image retouchée », and an image made by generative AI « Image virtuelle ».

What tribu accepts, case- and accent-insensitively, as a word or a hashtag:

- advertising: ``publicité`` (``publicite``, ``#publicité``, ``PUBLICITÉ``), ``collaboration
  commerciale`` (``#collaborationcommerciale``, ``collab commerciale``, ``collab. commerciale``);
- images: ``image(s) retouchée(s)``, ``image(s) virtuelle(s)`` (``#imageretouchee``...).

What tribu does **not** accept: ``#pub``, ``#ad``, ``#sponsored``, ``sponsorisé``,
``partenariat``, ``#partner``. The law names the words to use; the abbreviation ``#pub`` and
English tags were common before it but are not those words, so a paid post carrying only them
is flagged, with ``weak_label`` set to say why.

A post is paid when it has a cost above 0 or belongs to a campaign. A post mentions an altered
image when it speaks of retouching, filters, Photoshop/Facetune, or AI-generated images
(``retouche``, ``filtre``, ``IA``, ``généré``, ``Midjourney``...); phrases that deny it
(``sans filtre``, ``#nofilter``, ``sans retouche``) do not count. This is a text check: it
cannot see the image, and it reads only the caption tribu was given.

The check is an Ibis expression on lower-cased text with regular expressions that DuckDB (RE2)
and Spark (Java) read the same way; letters with accents are listed explicitly because ``\\b``
is ASCII-only in both.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._registry import register

__all__ = ["AD_LABEL", "ALTERED_IMAGE", "IMAGE_LABEL", "WEAK_LABEL", "disclosure_check"]

_L = "a-z0-9à-ÿœæ_"  # letters that continue a word
_START = f"(^|[^{_L}'’])"
_END = f"([^{_L}]|$)"

AD_LABEL = (
    _START + r"#?(publicit[eé]s?|collab(oration)?s?\.?[ _-]*commerciales?)" + _END
)
IMAGE_LABEL = _START + r"#?images?[ _-]*(retouch[eé]e?s?|virtuelles?)" + _END
WEAK_LABEL = (
    _START + r"(#pub|#ad|#ads|#sponsored|#sponsoris[eé]e?|sponsoris[eé]e?|"
    r"#?partenariat|#partner|#paidpartnership)" + _END
)
ALTERED_IMAGE = (
    _START + r"#?(retouch[a-zéèê]*|filtres?|filters?|photoshop[a-zé]*|facetune[a-z]*|"
    r"ia|ai[ -]generated|g[eé]n[eé]r[eé]e?s?|generated|midjourney|dall-?e|"
    r"stable diffusion|deepfakes?|intelligence artificielle)" + _END
)
_DENIAL = (
    _START + r"(sans (aucun )?(filtres?|retouches?)|no filters?|#nofilter|#sansfiltre|"
    r"non retouch[eé]e?s?|without (a )?filter)" + _END
)


@register("creators")
def disclosure_check(creator_posts: ir.Table) -> ir.Table:
    """Which creator posts miss the disclosures French law n° 2023-451 requires.

    Definition: ``paid`` = cost > 0 or a campaign is set. ``missing_ad_label`` = paid and
    no « Publicité » / « Collaboration commerciale ». ``missing_image_label`` = the text
    speaks of a retouched or generated image and has no « Image retouchée » / « Image
    virtuelle ». ``weak_label`` = the text carries only a tag the law does not name
    (``#pub``, ``#ad``, ``#sponsored``...). Accepted spellings are in the module docstring.

    Grain: one row per post. Unit: booleans.

    Parameters
    ----------
    creator_posts
        The ``creator_posts`` table.

    Caveats: a text check of the caption only; a label burnt into a picture or said in a
    video is invisible to it. A flag is a prompt to look, not a legal finding.

    Examples
    --------
    Three posts. P1, cost 200, « Trop contente de porter mes Semelle #publicité »: paid and
    labelled, no flag. P2, campaign set, « Mes nouvelles baskets #pub »: paid, only
    ``#pub`` → ``missing_ad_label`` and ``weak_label``. P3, no cost nor campaign, « Je déteste
    la « publicité » déguisée »: not paid, no flag.
    """
    text = creator_posts.text.fill_null("").lower()
    paid = (creator_posts.cost.fill_null(0) > 0) | creator_posts.campaign_id.notnull()
    has_ad = text.re_search(AD_LABEL)
    has_image = text.re_search(IMAGE_LABEL)
    altered = text.re_search(ALTERED_IMAGE) & ~text.re_search(_DENIAL)
    return creator_posts.select(
        "post_id",
        "creator_id",
        "campaign_id",
        "ts",
        paid=paid,
        has_ad_label=has_ad,
        weak_label=~has_ad & text.re_search(WEAK_LABEL),
        mentions_altered_image=altered,
        has_image_label=has_image,
        missing_ad_label=paid & ~has_ad,
        missing_image_label=altered & ~has_image,
    ).mutate(flagged=ibis._.missing_ad_label | ibis._.missing_image_label)
