"""Every request and response model of the LiveVox API (attrs classes and enums).

Generated from `schema/`; see `livevox_async._generated.models`.

    >>> from livevox_async.models import TermCodeCreate, TermCodeAction
    >>> body = TermCodeCreate(name="Deceased", service_id=20575, term_category_id=17296,
    ...                       lv_result_id=725, action=TermCodeAction.DISCONNECT_CALL, report_order=20)
"""

from ._generated.models import *  # noqa: F403
from ._generated.models import __all__ as __all__
