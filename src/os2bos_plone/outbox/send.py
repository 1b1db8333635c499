"""Send one plain-text mail through the site's MailHost and keep it in the mail log."""

from email.mime.text import MIMEText

from plone import api

from os2bos_plone import logger
from os2bos_plone.outbox import log


def send_mail(recipient, subject, body, kind=""):
    """Send one plain-text mail; False (a warning in the instance log and a "not sent" entry
    in the mail log) when the MailHost refuses it. A mail never breaks what caused it."""
    message = MIMEText(body, "plain", "utf-8")
    try:
        api.portal.send_email(recipient=recipient, subject=subject, body=message)
    except Exception as error:  # noqa: BLE001 - a mail must never break the decision
        logger.warning("Mail »%s« to %s was not sent: %s", subject, recipient, error)
        log.record(recipient, subject, body, sent=False, kind=kind, error=str(error))
        return False
    log.record(recipient, subject, body, sent=True, kind=kind)
    return True
