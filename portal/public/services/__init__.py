"""Rules of the public pages, one module per sub-feature; callable without a request.

- ``news``, ``faq``: news items and frequently asked questions, and their staff editing;
- ``documents``: the public information list (DIP);
- ``cases``: complaints and information requests, the filer's follow page, the case desk;
- ``home``: the home page's data;
- ``common``: the staff roles (CONTENT_ROLES), ``PublicError``, ``clean_text``.

Staff content (news, FAQ, documents) and the case desk are for the roles in CONTENT_ROLES;
the loaders check them, so a view cannot forget. Every public name is re-exported here, so
callers use ``from portal.public import services``.
"""

from portal.public.services.cases import (
    CASE_PAGE_SIZE,
    CASE_PREFIX,
    DEFAULT_ANSWER_DAYS,
    KIND_LABELS,
    STATUS_LABELS,
    TOPIC_LABELS,
    CasePage,
    Filed,
    answer_case,
    answer_days,
    cases_page,
    decoy_receipt,
    file_case,
    follow_url,
    get_case_by_token_or_404,
    get_case_for_staff_or_404,
    is_overdue,
)
from portal.public.services.common import (
    CONTENT_ROLES,
    PublicError,
    can_manage_content,
    clean_text,
    staff_users,
)
from portal.public.services.documents import (
    DOCUMENT_KIND_LABELS,
    DOCUMENT_MAX_BYTES,
    add_document,
    all_documents_for_staff,
    get_document_or_404,
    published_documents,
    set_document_published,
)
from portal.public.services.faq import (
    FaqTopic,
    faq_by_topic,
    get_faq_for_staff_or_404,
    save_faq,
)
from portal.public.services.home import (
    most_requested,
)
from portal.public.services.news import (
    NEWS_PAGE_SIZE,
    NewsPage,
    all_news_for_staff,
    get_news_or_404,
    latest_news,
    news_page,
    save_news,
)

__all__ = [
    "CASE_PAGE_SIZE",
    "CASE_PREFIX",
    "CONTENT_ROLES",
    "CasePage",
    "DEFAULT_ANSWER_DAYS",
    "DOCUMENT_KIND_LABELS",
    "DOCUMENT_MAX_BYTES",
    "FaqTopic",
    "Filed",
    "KIND_LABELS",
    "NEWS_PAGE_SIZE",
    "NewsPage",
    "PublicError",
    "STATUS_LABELS",
    "TOPIC_LABELS",
    "add_document",
    "all_documents_for_staff",
    "all_news_for_staff",
    "answer_case",
    "answer_days",
    "can_manage_content",
    "cases_page",
    "clean_text",
    "decoy_receipt",
    "faq_by_topic",
    "file_case",
    "follow_url",
    "get_case_by_token_or_404",
    "get_case_for_staff_or_404",
    "get_document_or_404",
    "get_faq_for_staff_or_404",
    "get_news_or_404",
    "is_overdue",
    "latest_news",
    "most_requested",
    "news_page",
    "published_documents",
    "save_faq",
    "save_news",
    "set_document_published",
    "staff_users",
]
