"""The steps every request service takes (``exchange.services._base``) take keyword arguments
only: ``finish(info_request, actor, code, from_status, fields)`` put five values of look-alike
kinds in an order the reader had to remember."""

import inspect

import pytest

from openimi.exchange.services import _base, transitions

STEPS = [_base.begin, _base.finish, _base.end_mediation_with_request, transitions._simple]


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.__name__)
def test_takes_keyword_arguments_only(step):
    positional = [
        name
        for name, parameter in inspect.signature(step).parameters.items()
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    assert positional == []


@pytest.mark.django_db
def test_a_positional_call_is_refused_before_anything_happens(world, make_request):
    from openimi.access.actions import Action
    from openimi.exchange.workflow import State, Transition

    info_request = make_request(State.AWAITING_ACCEPTANCE)
    with pytest.raises(TypeError):
        _base.begin(info_request, world["resp_handler"], Transition.ACCEPT, Action.REQUEST_ACCEPT)
    info_request.refresh_from_db()
    assert info_request.status == State.AWAITING_ACCEPTANCE
