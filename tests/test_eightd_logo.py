"""The 8D PDF carries the organisation's logo (Organization.logo) as the letters do, the monogram when none is set."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.files.base import ContentFile

from kesu.core.models import Organization
from tests.test_quality import a_class, mfg  # noqa: F401  (the manufacturing playbook fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def png(color: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 120), color).save(buf, "PNG")
    return buf.getvalue()


def test_the_8d_pdf_prints_the_uploaded_logo_instead_of_the_monogram(mfg, api, scenario):  # noqa: F811
    number = a_class(api, scenario)
    plain = api("quality").get(f"/complaints/{number}/8d.pdf")
    assert plain.status_code == 200 and b"/Subtype /Image" not in plain.content
    org = Organization.objects.first() or Organization.objects.create(name="示例电器", complaint_prefix="KS")
    org.logo.save("logo.png", ContentFile(png("navy")), save=False)
    org.save()
    with_logo = api("quality").get(f"/complaints/{number}/8d.pdf")
    assert with_logo.status_code == 200 and with_logo.content.count(b"/Subtype /Image") == 1
