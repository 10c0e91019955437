"""Invisible characters cannot be typed into a name, and cannot hide a conflict of interest (#16 item 11)."""
import datetime as dt
import random

import pytest

from awards import services
from awards.simulation import _credit_code, _user
from core.errors import DomainError
from core.text import comparable, typed
from jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db

HIDDEN = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066"]


@pytest.mark.parametrize("ch", HIDDEN)
def test_a_name_with_an_invisible_character_is_refused_naming_it(ch):
    with pytest.raises(DomainError) as refused:
        typed(f"塔城市{ch}宏远乳业有限公司", label="单位名称", field="name")
    assert refused.value.field == "name" and f"U+{ord(ch):04X}" in refused.value.message
    assert "单位名称中含有不可见字符" in refused.value.message


def test_full_width_forms_are_normalised_and_compare_equal():
    assert typed("  ＡＢＣ质量（集团）有限公司 ", label="x") == "ABC质量(集团)有限公司"
    assert comparable("ABC 质量（集团）有限公司") == comparable("abc质量(集团)有限公司\u200b")


def test_registration_refuses_a_zero_width_name():
    county = Jurisdiction.objects.get(code="654201")
    user = _user("zw-user", "zw")
    with pytest.raises(DomainError, match="不可见字符"):
        services.applicant_register_organization(user=user, name="塔城市\u200b宏远乳业有限公司",
                                                 credit_code=_credit_code(random.Random(3), county), county=county,
                                                 legal_form="legal_person", registration_date=dt.date(2015, 1, 1))


def test_an_expert_whose_employer_differs_only_by_invisible_or_full_width_characters_is_conflicted():
    from awards.models import Application
    from review.models import Expert
    from review.selectors import is_conflicted

    county = Jurisdiction.objects.get(code="654201")
    user = _user("conf-user", "conf")
    applicant = services.applicant_register_organization(user=user, name="塔城市宏远乳业有限公司（集团）",
                                                         credit_code=_credit_code(random.Random(9), county), county=county,
                                                         legal_form="legal_person", registration_date=dt.date(2015, 1, 1))
    # an expert row written before input was cleaned (or by an import) still compares equal
    expert = Expert.objects.create(jurisdiction=county.parent, name="王专家", employer="塔城市宏远乳业\u200b有限公司(集团)")
    app = Application(applicant=applicant)
    assert is_conflicted(expert, app)
