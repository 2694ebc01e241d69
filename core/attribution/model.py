"""What attribution hands to the rest of Manba (export line ``attributions``, see DESIGN §2)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attribution:
    name: str
    """Surface name as written in the text (the organisation, without its PR-office prefix)."""
    source: str | None
    """Registry key when the name resolves, else None."""
    kind: str | None
    """Registry kind when resolved; else a kind guessed from the name's head word, or None."""
    phrase: str
    """The credit phrase it came from, as written («به نقل از وزارت ارتباطات و فناوری اطلاعات»)."""

    def as_dict(self) -> dict[str, str | None]:
        return {"source": self.source, "name": self.name, "kind": self.kind, "phrase": self.phrase}


@dataclass(frozen=True)
class Chain:
    attributions: tuple[Attribution, ...]
    """Nearest first: the outlet's direct source first, the origin last."""
    own_reporting: bool
    """The text credits the outlet's own reporter («به گزارش خبرنگار X»): not a copy."""

    @property
    def origin(self) -> Attribution | None:
        return self.attributions[-1] if self.attributions else None

    def line(self) -> str:
        """The chain for people: nearest source first, «←» towards the origin, each name with its
        registry key (or ``unresolved``) and kind; empty when nothing is credited."""
        return " ← ".join(
            f"{a.name} ({a.source or 'unresolved'}{', ' + a.kind if a.kind else ''})"
            for a in self.attributions
        )
