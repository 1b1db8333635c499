"""What the add-on's screens share: the Danish translation helper, the portal URL, the year a
screen is asked for and the pager of the long lists (cases, payments)."""

from plone import api
from Products.Five.browser import BrowserView
from zope.i18n import translate

from os2bos_plone.browser.widgets import date_field_text
from os2bos_plone.engine import clock


def requested_year(request, today=None):
    """The ``year`` of the request (2000-2100), else this year."""
    today = today or clock.today()
    try:
        year = int(request.form.get("year") or today.year)
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= 2100 else today.year


def format_cpr(digits):
    """ "010118-1234" from the indexed "0101181234" (anything else as it is)."""
    digits = digits or ""
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:6]}-{digits[6:]}"
    return digits


def prefix_query(value):
    """A catalog range query matching every indexed string that starts with ``value``."""
    return {"query": (value, value + "\uffff"), "range": "min:max"}


class BosView(BrowserView):
    """A screen of the add-on (templates call ``view/t`` and ``view/portal_url``)."""

    def t(self, msgid):
        return translate(msgid, context=self.request)

    def portal_url(self):
        return api.portal.get().absolute_url()

    def date_text(self, value):
        """What a date field of the screen shows: 01.12.2026 (a wrong date as it was typed)."""
        return date_field_text(value)


class PagedView(BosView):
    """A list over the full width, shown ``page_size`` items a page, with its filters in the
    URL: the subclass reads them in ``update()`` (with ``param``) and makes links with
    ``url(page=...)``, which keep them."""

    page_size = 50
    #: What ``param`` gives for a parameter that is not in the request.
    missing = None

    def __call__(self):
        self.request.set("disable_plone.leftcolumn", 1)
        self.update()
        return self.index()

    def update(self):
        raise NotImplementedError

    def param(self, name):
        """A GET parameter, stripped (the first one when it is given twice)."""
        value = self.request.form.get(name)
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        return value.strip() if isinstance(value, str) else self.missing

    def paginate(self, items):
        """The items of the requested page; sets ``total_count``, ``page_count`` and ``page``."""
        self.total_count = len(items)
        self.page_count = max(1, -(-self.total_count // self.page_size))
        try:
            page = int(self.param("page") or 1)
        except ValueError:
            page = 1
        self.page = min(max(page, 1), self.page_count)
        first = (self.page - 1) * self.page_size
        return items[first : first + self.page_size]

    def pages(self):
        """The pager's items: {number, url, current} for the first and last page and the pages
        around the current one; {gap: True} where pages are left out."""
        if self.page_count < 2:
            return []
        shown = {1, self.page_count, *range(self.page - 2, self.page + 3)}
        items = []
        previous = 0
        for number in sorted(n for n in shown if 1 <= n <= self.page_count):
            if number > previous + 1:
                items.append({"gap": True})
            items.append(
                {
                    "gap": False,
                    "number": number,
                    "url": self.url(page=str(number)),
                    "current": number == self.page,
                }
            )
            previous = number
        return items

    def previous_url(self):
        return self.url(page=str(self.page - 1)) if self.page > 1 else None

    def next_url(self):
        return self.url(page=str(self.page + 1)) if self.page < self.page_count else None
