"""The words of the 8D report: each discipline's title and its fields' labels (the page, the PDF, the workbook)."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

DISCIPLINE_TITLES = {
    "d0": pgettext_lazy("8D", "D0 Preparation and emergency response"),
    "d1": pgettext_lazy("8D", "D1 Team"),
    "d2": pgettext_lazy("8D", "D2 Problem description (5W2H)"),
    "d3": pgettext_lazy("8D", "D3 Containment"),
    "d4": pgettext_lazy("8D", "D4 Root cause: occurrence and escape"),
    "d5": pgettext_lazy("8D", "D5 Chosen permanent corrective actions"),
    "d6": pgettext_lazy("8D", "D6 Implementation and validation"),
    "d7": pgettext_lazy("8D", "D7 Prevention and standardisation"),
    "d8": pgettext_lazy("8D", "D8 Closure and recognition"),
}

FIELD_LABELS = {
    "emergency_response": pgettext_lazy("8D", "Emergency response"),
    "preparation": pgettext_lazy("8D", "Preparation"),
    "leader": pgettext_lazy("8D", "Team leader"),
    "team": pgettext_lazy("8D", "Team members"),
    "what": pgettext_lazy("8D", "What (problem)"),
    "where": pgettext_lazy("8D", "Where"),
    "when": pgettext_lazy("8D", "When"),
    "who": pgettext_lazy("8D", "Who / which product"),
    "why": pgettext_lazy("8D", "Why it matters"),
    "how": pgettext_lazy("8D", "How it was found"),
    "how_many": pgettext_lazy("8D", "How many"),
    "description": pgettext_lazy("8D", "Description"),
    "summary": pgettext_lazy("8D", "Containment summary"),
    "temporary_measures": pgettext_lazy("8D", "Temporary measures"),
    "occurrence": pgettext_lazy("8D", "Occurrence: why it was made"),
    "escape": pgettext_lazy("8D", "Escape: why it was not detected"),
    "whys": pgettext_lazy("8D", "5 Whys (occurrence)"),
    "escape_whys": pgettext_lazy("8D", "5 Whys (escape)"),
    "fishbone": pgettext_lazy("8D", "Fishbone (5M1E)"),
    "actions": pgettext_lazy("8D", "Permanent actions chosen"),
    "verification": pgettext_lazy("8D", "How their effect was proven"),
    "implementation": pgettext_lazy("8D", "Implementation"),
    "validation": pgettext_lazy("8D", "Validation of the effect"),
    "documents": pgettext_lazy("8D", "Documents changed"),
    "documents_note": pgettext_lazy("8D", "Document numbers and versions"),
    "lessons": pgettext_lazy("8D", "Lessons for other lines and products"),
    "closure": pgettext_lazy("8D", "Closure"),
    "recognition": pgettext_lazy("8D", "Recognition of the team"),
}

DOCUMENT_LABELS = {
    "pfmea": pgettext_lazy("8D document", "PFMEA"),
    "control_plan": pgettext_lazy("8D document", "Control plan"),
    "work_instruction": pgettext_lazy("8D document", "Work instruction"),
    "inspection_standard": pgettext_lazy("8D document", "Inspection standard"),
    "drawing": pgettext_lazy("8D document", "Drawing / specification"),
    "training": pgettext_lazy("8D document", "Training record"),
}
