from typing import Any

from django.urls import reverse


def test_smoke(as_user: Any, presented: Any, sequenced: Any) -> None:
    s, pres = presented(late_shipment=True)
    sequenced()
    c = as_user("ncb.examiner")
    for url in [reverse("portal:dashboard"), reverse("portal:credits"), reverse("portal:credit", args=[s.credit_id]),
                reverse("portal:examine", args=[s.credit_id, pres.pk])]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.content[:3000])
        open(f"/tmp/page_{url.strip('/').replace('/', '_') or 'dash'}.html", "wb").write(r.content)
