"""Models ⇄ wire JSON: the documented examples, UNSET, tolerant enums, strict wire types.

Every JSON example quoted in ../shared/livevox-api.md is decoded into its model, checked
field by field, and encoded back to the same JSON (compared as parsed dicts). Then the
converter's rules are pinned one by one, and every generated model is round-tripped fully
populated (deterministically) and partly populated (Hypothesis).
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livevox_async import UNSET, DecodeError, LiveVoxEnum, LiveVoxError, UnsetType, models
from livevox_async._converter import from_json, structure, to_json, unstructure
from livevox_async.models import (
    Agent,
    AgentCreate,
    AgentSummary,
    AgentUpdate,
    CallCenterSummary,
    ChangePasswordRequest,
    ClientInternalSettings,
    Created,
    DialingStrategyUpdate,
    ErrorBody,
    IdRef,
    LcidPackage,
    LcidPackageSummary,
    ListInfo,
    LoginRequest,
    LoginResponse,
    ResourceGroupCreate,
    ResourceGroupSummary,
    ResourceGroupType,
    ScreenPop,
    ServicePacing,
    ServiceRelated,
    ServiceSummary,
    TermCode,
    TermCodeAction,
    TermCodeCreate,
    UserCreate,
    UserUpdate,
)


def roundtrip(text: str | bytes, cls: type[Any]) -> Any:
    """Decode `text` into `cls`, check it encodes back to the same JSON, return the model."""
    model = from_json(text.encode() if isinstance(text, str) else text, cls)
    assert type(model) is cls
    assert orjson.loads(to_json(model)) == orjson.loads(text)
    return model


# --- the documented examples (livevox-api.md) ---------------------------------------


def test_term_code_create_example() -> None:
    # §4.12, D-TC: the Create Term Code request, verbatim (odd spacing included).
    text = (
        '{"name": "Deceased", "serviceId": 20575,"termCategoryId": 17296,"lvResultId": 725,'
        '"action": "DISCONNECT_CALL","reportOrder": 20,"previewDialEnabled": false}'
    )
    body = roundtrip(text, TermCodeCreate)
    assert body == TermCodeCreate(
        name="Deceased",
        service_id=20575,
        term_category_id=17296,
        lv_result_id=725,
        action=TermCodeAction.DISCONNECT_CALL,
        report_order=20,
        preview_dial_enabled=False,
    )
    assert body.action is TermCodeAction.DISCONNECT_CALL
    assert body.preview_dial_enabled is False
    # Built in Python, it encodes to the documented body (false is sent, not dropped).
    assert orjson.loads(to_json(body)) == orjson.loads(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": 1275944}', 1275944),  # §4.12 Create Term Code → 201
        ('{"id":53701}', 53701),  # §4.11 Create Service (copy) → 201
    ],
)
def test_created_examples(text: str, expected: int) -> None:
    created = roundtrip(text, Created)
    assert created == Created(id=expected)
    assert created.id == expected
    assert type(created.id) is int


def test_client_internal_settings_example() -> None:
    # §4.3, D-CLI: GET /configuration/clients/4199/internal.
    text = (
        '{"maxDailyAttempts":0,"callRecordingDays":30,"encryptCcsPassword":true,'
        '"maxFailedCcsLoginAttempts":5,"encryptAcdPassword":true,"maxFailedAcdLoginAttempts":0,'
        '"passwordExpirationDays":0}'
    )
    settings_ = roundtrip(text, ClientInternalSettings)
    assert settings_ == ClientInternalSettings(
        max_daily_attempts=0,
        call_recording_days=30,
        encrypt_ccs_password=True,
        max_failed_ccs_login_attempts=5,
        encrypt_acd_password=True,
        max_failed_acd_login_attempts=0,
        password_expiration_days=0,
    )
    # Zeros are values, not "unset": they must come back out.
    assert settings_.max_daily_attempts == 0
    assert settings_.answering_machine_detection is UNSET  # the G-CM-only key is absent here


@pytest.mark.parametrize(
    ("text", "size", "last_modified"),
    [
        ('{"size":1,"lastModified":1337586262000}', 1, datetime(2012, 5, 21, 7, 44, 22, tzinfo=UTC)),
        ('{"size":64,"lastModified":1366821378000}', 64, datetime(2013, 4, 24, 16, 36, 18, tzinfo=UTC)),
        ('{"size":15,"lastModified":1374258114000}', 15, datetime(2013, 7, 19, 18, 21, 54, tzinfo=UTC)),
        ('{"size":17,"lastModified":1364416410000}', 17, datetime(2013, 3, 27, 20, 33, 30, tzinfo=UTC)),
    ],
    ids=["lcid", "message-templates", "report-formats", "screen-pops"],
)
def test_list_info_examples(text: str, size: int, last_modified: datetime) -> None:
    info = roundtrip(text, ListInfo)
    assert info.size == size
    assert info.last_modified == last_modified
    assert info.last_modified.utcoffset() == timedelta(0)  # aware, in UTC
    assert info.last_modified.tzinfo is not None


def test_list_info_without_last_modified() -> None:
    # §3.3: lastModified "may be absent".
    info = roundtrip('{"size":0}', ListInfo)
    assert info == ListInfo(size=0)
    assert info.last_modified is UNSET


def test_error_body_example() -> None:
    # §2.2: the one real error body.
    error = roundtrip('{"code": 202, "message": "Contact already exists!"}', ErrorBody)
    assert error == ErrorBody(code=202, message="Contact already exists!")


def test_resource_group_create_example() -> None:
    # §4.9, D-RG. The documented body stops after `"outboundService":`; the outbound list
    # below is our plausible completion (same `[{"id": n}]` shape as inboundService).
    text = (
        '{"name":"For Documentation","type":"LONGEST_AVAILABLE_AGENT","enabled":true,'
        '"inboundService":[{"id":40788}],"outboundService":[{"id":40789},{"id":40790}]}'
    )
    body = roundtrip(text, ResourceGroupCreate)
    assert body == ResourceGroupCreate(
        name="For Documentation",
        type=ResourceGroupType.LONGEST_AVAILABLE_AGENT,
        enabled=True,
        inbound_service=[IdRef(id=40788)],
        outbound_service=[IdRef(id=40789), IdRef(id=40790)],
    )
    assert body.type is ResourceGroupType.LONGEST_AVAILABLE_AGENT


def test_resource_group_create_documented_prefix_only() -> None:
    # Only the documented part (no outboundService): still a complete, valid body.
    text = (
        '{"name":"For Documentation","type":"LONGEST_AVAILABLE_AGENT","enabled":true,'
        '"inboundService":[{"id":40788}]}'
    )
    body = roundtrip(text, ResourceGroupCreate)
    assert body.outbound_service is UNSET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"sessionId":"38de9bcc-7425-4392-b821-99026632c369","clientId":4199,"userId":1234,'
            '"daysUntilPasswordExpires":12}',
            LoginResponse(
                session_id="38de9bcc-7425-4392-b821-99026632c369",
                client_id=4199,
                user_id=1234,
                days_until_password_expires=12,
            ),
        ),
        (
            # daysUntilPasswordExpires is optional (§1.4).
            '{"sessionId":"38de9bcc-7425-4392-b821-99026632c369","clientId":4199,"userId":1234}',
            LoginResponse(session_id="38de9bcc-7425-4392-b821-99026632c369", client_id=4199, user_id=1234),
        ),
    ],
)
def test_login_response_shapes(text: str, expected: LoginResponse) -> None:
    assert roundtrip(text, LoginResponse) == expected


def test_login_response_requires_session_id() -> None:
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"clientId":4199,"userId":1234}', LoginResponse)
    assert caught.value.problems == ("$.sessionId: required field missing",)


def test_login_request_shapes() -> None:
    # §1.4: user login (no agent flag) and agent login (agent: true).
    user = LoginRequest(client_name="ACME", user_name="jsmith", password="s3cret-pw")
    assert orjson.loads(to_json(user)) == {
        "clientName": "ACME",
        "userName": "jsmith",
        "password": "s3cret-pw",
    }
    agent = LoginRequest(client_name="ACME", user_name="AGENT7", password="s3cret-pw", agent=True)
    assert orjson.loads(to_json(agent)) == {
        "clientName": "ACME",
        "userName": "AGENT7",
        "password": "s3cret-pw",
        "agent": True,
    }
    assert roundtrip(to_json(agent), LoginRequest) == agent


def test_login_request_string_agent_flag_is_refused() -> None:
    # D-VA's example sends "agent": "true" (a string); the schema says Boolean and the
    # converter does not coerce, so the SDK always sends a real boolean.
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"clientName":"ACME","userName":"A","password":"p","agent":"true"}', LoginRequest)
    assert caught.value.problems == ("$.agent: expected bool, got str",)


def test_change_password_request_shape() -> None:
    # §1.4 ChangePassword body.
    body = ChangePasswordRequest(
        client_name="ACME", user_name="jsmith", password="old-pw-1", new_password="new-pw-2", agent=False
    )
    assert orjson.loads(to_json(body)) == {
        "clientName": "ACME",
        "userName": "jsmith",
        "password": "old-pw-1",
        "newPassword": "new-pw-2",
        "agent": False,
    }


def test_list_items_documented_shapes() -> None:
    # §3.2 list wrapper item, §4.2 call center item (callCenterId, not id), §4.11 service
    # item (serviceId, not id), §4.6 LCID item and read, §4.9 resource group item.
    assert roundtrip('{"id": 1234, "loginId": "JSMITH"}', AgentSummary) == AgentSummary(
        id=1234, login_id="JSMITH"
    )
    assert roundtrip('{"callCenterId": 7, "name": "Main"}', CallCenterSummary) == CallCenterSummary(
        call_center_id=7, name="Main"
    )
    assert roundtrip('{"serviceId": 20575, "name": "Collections"}', ServiceSummary) == ServiceSummary(
        service_id=20575, name="Collections"
    )
    assert roundtrip('{"id": 3}', LcidPackageSummary) == LcidPackageSummary(id=3)
    assert roundtrip('{"id": 3, "service": [{"id": 1}, {"id": 2}]}', LcidPackage) == LcidPackage(
        id=3, service=[IdRef(id=1), IdRef(id=2)]
    )
    assert roundtrip('{"id": 9}', ResourceGroupSummary) == ResourceGroupSummary(id=9)


def test_service_related_and_pacing_shapes() -> None:
    # §4.11: /related has one callCenter object and lists of refs; pacing body.
    related = roundtrip(
        '{"callCenter":{"id":7},"inboundResourceGroup":{"id":8},"outboundResourceGroup":[{"id":9}],'
        '"agent":[{"id":1},{"id":2}],"campaign":[]}',
        ServiceRelated,
    )
    assert related == ServiceRelated(
        call_center=IdRef(id=7),
        inbound_resource_group=IdRef(id=8),
        outbound_resource_group=[IdRef(id=9)],
        agent=[IdRef(id=1), IdRef(id=2)],
        campaign=[],
    )
    assert orjson.loads(to_json(ServicePacing(method="PREDICTIVE", throttle=12))) == {
        "method": "PREDICTIVE",
        "throttle": 12,
    }


def test_agent_object_shape() -> None:
    # §4.1 Agent object: every documented key, with passwordLastModified as epoch ms.
    text = (
        '{"id":1234,"loginId":"JSMITH","firstName":"Jo","lastName":"Smith","phone":"5551234",'
        '"wrapUpTime":-1,"homeAgent":false,"active":true,"locked":false,"clientId":4199,'
        '"passwordLastModified":1337586262000,"assignedService":[{"id":20575},{"id":20576}]}'
    )
    agent = roundtrip(text, Agent)
    assert agent.wrap_up_time == -1
    assert agent.password_last_modified == datetime(2012, 5, 21, 7, 44, 22, tzinfo=UTC)
    assert agent.assigned_service == [IdRef(id=20575), IdRef(id=20576)]


# --- absent is not null: UNSET --------------------------------------------------------


def test_unset_repr_and_bool() -> None:
    assert repr(UNSET) == "UNSET"
    assert bool(UNSET) is False
    assert not UNSET
    assert isinstance(UNSET, UnsetType)
    assert UNSET is UnsetType.UNSET


def test_unset_fields_are_not_sent() -> None:
    update = AgentUpdate(phone="5551234", wrap_up_time=-1)
    assert update.first_name is UNSET
    assert update.password is UNSET
    assert to_json(update) == b'{"phone":"5551234","wrapUpTime":-1}'
    assert unstructure(AgentUpdate()) == {}
    assert to_json(AgentUpdate()) == b"{}"


def test_falsy_values_are_sent() -> None:
    # False, 0, "" and [] are values: only UNSET is left out.
    update = AgentUpdate(active=False, wrap_up_time=0, phone="", home_agent=False)
    assert unstructure(update) == {"active": False, "wrapUpTime": 0, "phone": "", "homeAgent": False}
    assert unstructure(DialingStrategyUpdate(service=[])) == {"service": []}
    # A string that happens to read "UNSET" is a value too.
    assert unstructure(AgentUpdate(first_name="UNSET")) == {"firstName": "UNSET"}


def test_optional_nested_fields_unset_inside_lists() -> None:
    body = ResourceGroupCreate(name="G", type=ResourceGroupType.STRICT_OVERFLOW, enabled=False)
    assert unstructure(body) == {"name": "G", "type": "STRICT_OVERFLOW", "enabled": False}


def test_absent_and_null_optional_fields_decode_as_unset() -> None:
    agent = from_json(
        b'{"id": 5, "phone": null, "assignedService": null, "passwordLastModified": null}', Agent
    )
    assert agent == Agent(id=5)
    assert agent.phone is UNSET
    assert agent.assigned_service is UNSET
    assert agent.password_last_modified is UNSET
    assert to_json(agent) == b'{"id":5}'


def test_null_for_a_required_field_is_a_decode_error() -> None:
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"id": null}', Agent)
    assert caught.value.problems == ("$.id: expected int, got NoneType",)


def test_missing_required_field_is_a_decode_error() -> None:
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"loginId": "JSMITH"}', Agent)
    assert caught.value.problems == ("$.id: required field missing",)


# --- tolerance: unknown enum values and unknown fields -------------------------------


def test_unknown_enum_value_becomes_a_pseudo_member() -> None:
    text = '{"id": 1, "name": "Transfer", "action": "TRANSFER_TO_QUEUE"}'
    code = roundtrip(text, TermCode)
    assert isinstance(code.action, TermCodeAction)
    assert code.action.is_known is False
    assert code.action == "TRANSFER_TO_QUEUE"
    assert code.action.value == "TRANSFER_TO_QUEUE"
    assert code.action not in (TermCodeAction.DISCONNECT_CALL, TermCodeAction.LEAVE_MESSAGE)
    assert to_json(code) == b'{"id":1,"name":"Transfer","action":"TRANSFER_TO_QUEUE"}'
    # It also works when the enum field is required (a request body echoed back).
    body = from_json(
        b'{"name":"X","serviceId":1,"termCategoryId":2,"lvResultId":3,"action":"NEW_ACTION","reportOrder":4}',
        TermCodeCreate,
    )
    assert body.action == "NEW_ACTION"
    assert not body.action.is_known
    assert unstructure(body)["action"] == "NEW_ACTION"


def test_known_enum_value_is_the_member() -> None:
    code = from_json(b'{"id": 1, "action": "LEAVE_MESSAGE"}', TermCode)
    assert code.action is TermCodeAction.LEAVE_MESSAGE
    assert code.action.is_known is True
    assert TermCodeAction("DISCONNECT_CALL") is TermCodeAction.DISCONNECT_CALL


def test_enum_values_are_not_coerced_from_other_types() -> None:
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"id": 1, "action": 3}', TermCode)
    assert caught.value.problems == ("$.action: expected a TermCodeAction string, got int",)


def test_unknown_fields_are_ignored_and_dropped() -> None:
    text = (
        b'{"id": 7, "loginId": "JSMITH", "brandNewField": {"deep": [1, 2]}, "alsoNew": null,'
        b'"assignedService": [{"id": 1, "extra": "x"}]}'
    )
    agent = from_json(text, Agent)
    assert agent == Agent(id=7, login_id="JSMITH", assigned_service=[IdRef(id=1)])
    assert orjson.loads(to_json(agent)) == {"id": 7, "loginId": "JSMITH", "assignedService": [{"id": 1}]}


# --- strict wire types: DecodeError names the JSON path with wire names ---------------


@pytest.mark.parametrize(
    ("cls", "text", "problems"),
    [
        (Agent, b'{"id": "12"}', ("$.id: expected int, got str",)),
        (Agent, b'{"id": 12.0}', ("$.id: expected int, got float",)),
        (Agent, b'{"id": true}', ("$.id: expected int, got bool",)),
        (Agent, b'{"id": 1, "active": 1}', ("$.active: expected bool, got int",)),
        (Agent, b'{"id": 1, "phone": 5551234}', ("$.phone: expected str, got int",)),
        (Agent, b'{"id": 1, "wrapUpTime": "30"}', ("$.wrapUpTime: expected int, got str",)),
        (
            Agent,
            b'{"id": 1, "assignedService": "20575"}',
            ("$.assignedService: expected a JSON array, got str",),
        ),
        (
            Agent,
            b'{"id": 1, "assignedService": {"id": 1}}',
            ("$.assignedService: expected a JSON array, got dict",),
        ),
        (
            Agent,
            b'{"id": 1, "assignedService": [{"id": 1}, {"id": "2"}]}',
            ("$.assignedService[1].id: expected int, got str",),
        ),
        (
            Agent,
            b'{"id": 1, "assignedService": [[1]]}',
            ("$.assignedService[0]: expected a JSON object, got list",),
        ),
        (
            Agent,
            b'{"id": 1, "assignedService": [null]}',
            ("$.assignedService[0]: expected a JSON object, got NoneType",),
        ),
        (
            Agent,
            b'{"id": 1, "passwordLastModified": 1337586262000.5}',
            ("$.passwordLastModified: expected epoch milliseconds (int), got float",),
        ),
        (
            Agent,
            b'{"id": 1, "passwordLastModified": "2012-05-21T07:44:22Z"}',
            ("$.passwordLastModified: expected epoch milliseconds (int), got str",),
        ),
        (
            ListInfo,
            b'{"size": 1, "lastModified": 1.5}',
            ("$.lastModified: expected epoch milliseconds (int), got float",),
        ),
        (ServiceRelated, b'{"callCenter": [{"id": 7}]}', ("$.callCenter: expected a JSON object, got list",)),
        (Agent, b"[]", ("$: expected a JSON object, got list",)),
        (Agent, b'"agent"', ("$: expected a JSON object, got str",)),
        (
            ScreenPop,
            b'{"id": 1, "infoField": [{"key": "a", "position": 1}, {"key": "b", "position": "2"}]}',
            ("$.infoField[1].position: expected int, got str",),
        ),
        (
            LcidPackage,
            b'{"id": 1, "phoneNumber": ["5551234", 5551235]}',
            ("$.phoneNumber[1]: expected str, got int",),
        ),
    ],
)
def test_wire_types_are_checked(cls: type[Any], text: bytes, problems: tuple[str, ...]) -> None:
    with pytest.raises(DecodeError) as caught:
        from_json(text, cls)
    assert caught.value.problems == problems
    assert isinstance(caught.value, LiveVoxError)
    assert problems[0] in str(caught.value)


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"id": "1", "active": 1, "assignedService": [{"id": 1}, {"id": "2"}, {}]}', Agent)
    assert set(caught.value.problems) == {
        "$.id: expected int, got str",
        "$.active: expected bool, got int",
        "$.assignedService[1].id: expected int, got str",
        "$.assignedService[2].id: required field missing",
    }


def test_decode_error_never_repeats_the_bad_value() -> None:
    # The body may hold personal data: problems say what was wrong, not the value.
    with pytest.raises(DecodeError) as caught:
        from_json(b'{"id": 1, "phone": 15559876543, "loginId": ["SECRETLOGIN"]}', Agent)
    text = str(caught.value) + repr(caught.value) + " ".join(caught.value.problems)
    assert "15559876543" not in text
    assert "SECRETLOGIN" not in text


def test_structure_path_prefix() -> None:
    with pytest.raises(DecodeError) as caught:
        structure({"id": "x"}, Agent, path="$.agent[3]")
    assert caught.value.problems == ("$.agent[3].id: expected int, got str",)


def test_invalid_json_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="not valid JSON"):
        from_json(b'{"id": 1,', Agent)


# --- dates ---------------------------------------------------------------------------


def test_naive_datetime_refuses_to_encode() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        to_json(ListInfo(size=1, last_modified=datetime(2012, 5, 21, 7, 44, 22)))


def test_aware_datetime_in_another_zone_encodes_as_utc_epoch_ms() -> None:
    eastern = timezone(timedelta(hours=-4))
    when = datetime(2012, 5, 21, 3, 44, 22, 123000, tzinfo=eastern)  # 07:44:22.123 UTC
    assert unstructure(ListInfo(size=1, last_modified=when)) == {"size": 1, "lastModified": 1337586262123}
    back = from_json(b'{"size": 1, "lastModified": 1337586262123}', ListInfo)
    assert back.last_modified == when
    assert isinstance(back.last_modified, datetime)
    assert back.last_modified.tzinfo is not None
    assert back.last_modified.utcoffset() == timedelta(0)


def test_dates_before_the_epoch() -> None:
    info = from_json(b'{"size": 1, "lastModified": -1000}', ListInfo)
    assert info.last_modified == datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert unstructure(info) == {"size": 1, "lastModified": -1000}


# --- secrets stay out of repr --------------------------------------------------------


SECRET = "Pa55word-do-not-print"


@pytest.mark.parametrize(
    "model",
    [
        AgentCreate(
            login_id="JSMITH",
            first_name="Jo",
            last_name="Smith",
            password=SECRET,
            phone="5551234",
            wrap_up_time=30,
        ),
        AgentUpdate(password=SECRET, phone="5551234"),
        UserCreate(user_name="jsmith", password=SECRET, first_name="Jo", last_name="Smith"),
        UserUpdate(password=SECRET, email="jo@example.com"),
        LoginRequest(client_name="ACME", user_name="jsmith", password=SECRET),
        ChangePasswordRequest(
            client_name="ACME", user_name="jsmith", password=SECRET, new_password=SECRET + "2"
        ),
        LoginResponse(session_id=SECRET, client_id=1, user_id=2),
    ],
    ids=lambda m: type(m).__name__,
)
def test_secrets_never_appear_in_repr(model: Any) -> None:
    assert SECRET not in repr(model)
    assert SECRET not in str(model)
    # ...but they are sent.
    assert SECRET in to_json(model).decode()
    # The rest of the repr is still informative.
    assert repr(model).startswith(type(model).__name__ + "(")


def test_every_password_like_field_is_hidden_from_repr() -> None:
    hidden = {"password", "new_password", "session_id"}
    seen = set()
    for name in models.__all__:
        cls = getattr(models, name)
        if attrs.has(cls):
            for field in attrs.fields(cls):
                if field.name in hidden:
                    seen.add((name, field.name))
                    assert field.repr is False, f"{name}.{field.name} is shown in repr"
    assert {
        ("AgentCreate", "password"),
        ("AgentUpdate", "password"),
        ("UserCreate", "password"),
        ("UserUpdate", "password"),
        ("LoginRequest", "password"),
        ("ChangePasswordRequest", "password"),
        ("ChangePasswordRequest", "new_password"),
        ("LoginResponse", "session_id"),
    } <= seen


# --- every generated model round-trips -----------------------------------------------


MODEL_CLASSES = [getattr(models, n) for n in models.__all__ if attrs.has(getattr(models, n))]
ENUM_CLASSES = [getattr(models, n) for n in models.__all__ if isinstance(getattr(models, n), type)]
ENUM_CLASSES = [c for c in ENUM_CLASSES if issubclass(c, LiveVoxEnum)]
WHEN = datetime(2012, 5, 21, 7, 44, 22, 123000, tzinfo=UTC)


def test_models_all_is_complete() -> None:
    # Every public name is a model or an enum (or the NextPage alias), and there are many.
    assert len(MODEL_CLASSES) >= 60
    assert len(ENUM_CLASSES) >= 5
    classes = set(MODEL_CLASSES) | set(ENUM_CLASSES)
    assert {getattr(models, n) for n in models.__all__} == classes


def hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def split_optional(tp: Any) -> tuple[Any, bool]:
    """(the type without UnsetType, whether UnsetType was part of it)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not UnsetType]
        if len(args) != len(typing.get_args(tp)):
            assert len(args) == 1, tp
            return args[0], True
    return tp, False


class Builder:
    """Deterministic, type-appropriate values for every field (distinct where it matters)."""

    def __init__(self) -> None:
        self.counter = 0

    def value(self, tp: Any, name: str) -> Any:
        tp, _ = split_optional(tp)
        self.counter += 1
        if tp is bool:
            return self.counter % 2 == 0  # both True and False appear
        if tp is int:
            return 1000 + self.counter if self.counter % 3 else -self.counter
        if tp is float:
            return self.counter + 0.5
        if tp is str:
            return f"{name}-é-{self.counter}"
        if tp is datetime:
            return WHEN + timedelta(days=self.counter)
        if isinstance(tp, type) and issubclass(tp, LiveVoxEnum):
            members = list(tp)
            return members[self.counter % len(members)]
        if typing.get_origin(tp) is list:
            (inner,) = typing.get_args(tp)
            return [self.value(inner, name), self.value(inner, name)]
        if attrs.has(tp):
            return self.model(tp)
        raise AssertionError(f"no builder for {tp!r} ({name})")

    def model(self, cls: type[Any]) -> Any:
        field_types = hints(cls)
        return cls(**{f.name: self.value(field_types[f.name], f.name) for f in attrs.fields(cls)})


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_fully_populated_model_round_trips(cls: type[Any]) -> None:
    instance = Builder().model(cls)
    for field in attrs.fields(cls):
        assert getattr(instance, field.name) is not UNSET
    wire = unstructure(instance)
    # Every field is sent, under its wire name.
    assert set(wire) == {f.metadata["wire"] for f in attrs.fields(cls)}
    body = to_json(instance)
    assert orjson.loads(body) == wire
    back = from_json(body, cls)
    assert back == instance
    assert to_json(back) == body


def optional_fields_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    field_types = hints(cls)
    kwargs = {}
    for f in attrs.fields(cls):
        inner, optional = split_optional(field_types[f.name])
        value = value_strategy(inner)
        kwargs[f.name] = st.one_of(st.just(UNSET), value) if optional else value
    return st.builds(cls, **kwargs)


def value_strategy(tp: Any) -> st.SearchStrategy[Any]:
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(2**63), 2**63 - 1)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if tp is str:
        return st.text(st.characters(codec="utf-8"), max_size=12)
    if tp is datetime:
        # Anything LiveVox can express: whole milliseconds, years 1..9999.
        return st.integers(-62135596800000, 253402300799999).map(
            lambda ms: datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
        )
    if isinstance(tp, type) and issubclass(tp, LiveVoxEnum):
        unknown = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12).map(tp)
        return st.one_of(st.sampled_from(list(tp)), unknown)
    if typing.get_origin(tp) is list:
        (inner,) = typing.get_args(tp)
        return st.lists(value_strategy(inner), max_size=3)
    if attrs.has(tp):
        return st.deferred(lambda: optional_fields_strategy(tp))
    raise AssertionError(f"no strategy for {tp!r}")


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=8, deadline=None, database=None)
@given(data=st.data())
def test_partly_populated_model_round_trips(cls: type[Any], data: st.DataObject) -> None:
    instance = data.draw(optional_fields_strategy(cls))
    wire = unstructure(instance)
    assert set(wire) == {
        f.metadata["wire"] for f in attrs.fields(cls) if getattr(instance, f.name) is not UNSET
    }
    back = from_json(to_json(instance), cls)
    assert back == instance
