"""Each item of the onboarding checklist, in both states."""

import pytest

from openimi.accounts.models import Role
from openimi.authorities.models import AreaPreferences
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.onboarding import checklist, services
from openimi.onboarding.models import ChecklistTick, RolloutPlan, RolloutRow
from tests.factories import KeywordFactory, UserFactory

pytestmark = pytest.mark.django_db


def _item(lda, code):
    items = {item.code: item for item in checklist.checklist(user=lda, authority=lda.authority)}
    return items[code]


def test_authority_data(lda):
    authority = lda.authority
    authority.description = ""
    authority.informal_title = "VROM-inspectie"
    authority.save()
    item = _item(lda, checklist.AUTHORITY_DATA)
    assert not item.done
    assert "abbreviations" in item.missing and "Describe" in item.missing
    authority.informal_title = "Inspectie voor huisvesting, ruimtelijke ordening en milieu"
    authority.description = "Gemeente in Brabant."
    authority.save()
    assert _item(lda, checklist.AUTHORITY_DATA).done


def test_authority_data_needs_the_general_address(lda):
    lda.authority.description = "Gemeente."
    lda.authority.email = ""
    lda.authority.save()
    assert "e-mail" in _item(lda, checklist.AUTHORITY_DATA).missing


def test_keywords(lda, services_area):
    assert not _item(lda, checklist.KEYWORDS).done
    preferences = AreaPreferences.objects.get(authority=lda.authority, area=services_area)
    preferences.keywords.add(KeywordFactory(area=services_area))
    assert _item(lda, checklist.KEYWORDS).done


def test_rollout_table(lda):
    assert not _item(lda, checklist.ROLLOUT_TABLE).done
    plan = RolloutPlan.objects.create(authority=lda.authority)
    RolloutRow.objects.create(plan=plan, name="Bram Pauwels", email="b@oeteldonk.nl")
    assert _item(lda, checklist.ROLLOUT_TABLE).done


def test_two_administrators_and_more_users(lda):
    assert not _item(lda, checklist.TWO_ADMINISTRATORS).done
    assert not _item(lda, checklist.MORE_USERS).done
    UserFactory(authority=lda.authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
    assert _item(lda, checklist.TWO_ADMINISTRATORS).done
    assert _item(lda, checklist.MORE_USERS).done


def test_allocation_decision_is_ticked_by_hand(lda, services_area):
    item = _item(lda, checklist.ALLOCATION)
    assert item.manual and not item.done and item.tick is None
    services.checklist_tick(
        actor=lda, authority=lda.authority, item=checklist.ALLOCATION, done=True
    )
    item = _item(lda, checklist.ALLOCATION)
    assert item.done and item.tick.ticked_by == lda and item.tick.ticked_at
    # Allocation on but no allocator: not done, and says why.
    AreaPreferences.objects.filter(authority=lda.authority).update(uses_allocation=True)
    item = _item(lda, checklist.ALLOCATION)
    assert not item.done and "allocator" in item.missing
    UserFactory(authority=lda.authority, roles=[(Role.ALLOCATOR, services_area)])
    assert _item(lda, checklist.ALLOCATION).done
    services.checklist_tick(
        actor=lda, authority=lda.authority, item=checklist.ALLOCATION, done=False
    )
    assert not _item(lda, checklist.ALLOCATION).done


def test_usernames_handed_over(lda):
    assert not _item(lda, checklist.USERNAMES).done
    services.checklist_tick(actor=lda, authority=lda.authority, item=checklist.USERNAMES, done=True)
    services.checklist_tick(actor=lda, authority=lda.authority, item=checklist.USERNAMES, done=True)
    assert ChecklistTick.objects.filter(item=checklist.USERNAMES).count() == 1
    assert _item(lda, checklist.USERNAMES).done


def test_computed_items_cannot_be_ticked(lda, other_lda):
    with pytest.raises(ApplicationError):
        services.checklist_tick(
            actor=lda, authority=lda.authority, item=checklist.KEYWORDS, done=True
        )
    with pytest.raises(PermissionDenied):
        services.checklist_tick(
            actor=other_lda, authority=lda.authority, item=checklist.USERNAMES, done=True
        )
