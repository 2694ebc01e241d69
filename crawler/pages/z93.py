"""«تجهیزات جانبی», the seed's outlet: WordPress-like, with its footer inside the content.

The like box, "latest related posts" and the comments heading are paragraphs inside
``.entry-content``, so the body is cut at the first of them.
"""

from __future__ import annotations

from crawler.pages.base import ArticlePage, clean_line, node_text


class Z93Page(ArticlePage):
    name = "93z"
    title_css = "div.post-head h1.post-title"
    surtitle_css = "div.post-head span.rutitr"
    paragraphs_css = "div.entry-content > p"
    date_css = "div.post-meta span.post-date"
    boilerplate = (  # the like box's «می پسندید» with a space, a ZWNJ or neither
        "این مطلب را می پسندید",
        "این مطلب را می‌پسندید",
        "این مطلب را میپسندید",
        "تازه ترین مطالب مرتبط",
        "تازه‌ترین مطالب مرتبط",
        "نظرات بینندگان در مورد این مطلب",
    )

    def title(self) -> str:
        """The surtitle («… صورت گرفت؛») is part of the headline as readers see it."""
        main = super().title()
        surtitle = clean_line(node_text(self.response.css(self.surtitle_css)))
        return f"{surtitle} {main}" if surtitle and main else main
