"""Names the organisation types in Chinese (departments, clocks, rules, the playbook) with their English
beside them: a page shows the one of its reader's language, Chinese when no English was given."""

from __future__ import annotations

from django.utils.translation import get_language


def reader_wants_english(language: str | None = None) -> bool:
    return (language if language is not None else get_language() or "").startswith("en")


def pick(name: str, name_en: str, language: str | None = None) -> str:
    return name_en if name_en and reader_wants_english(language) else name


class BilingualName:
    """For a model with `name` (Chinese, the organisation's language) and `name_en`."""

    name: str
    name_en: str

    def label(self, language: str) -> str:
        return pick(self.name, self.name_en, language)

    @property
    def display_name(self) -> str:
        """The name in the language of the page being rendered."""
        return pick(self.name, self.name_en)

    @property
    def names(self) -> dict[str, str]:
        """Both names, for a message rendered later in its reader's language (kesu.notifications.text)."""
        return {"zh": self.name, "en": self.name_en or self.name}


def names_by_code(queryset, language: str | None = None) -> dict[str, str]:
    """{code: name in the reader's language} for departments (or any model with code, name and name_en)."""
    return {
        code: pick(name, name_en, language) for code, name, name_en in queryset.values_list("code", "name", "name_en")
    }
