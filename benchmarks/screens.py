"""``python -m benchmarks.screens``: only the screens' timings (benchmarks.measure.screen_timings)
on an existing build, e.g. after a screen changed, without the rest of the measure phase.
Prints the figures and one BENCH-RESULT line; nothing is committed."""

import transaction

from benchmarks import zope_env
from benchmarks.measure import screen_timings
from benchmarks.results import emit


def main():
    app = zope_env.open_app()
    portal = zope_env.portal_of(app)
    try:
        emit(screen_timings(app, portal))
    finally:
        transaction.abort()
        app._p_jar.db().close()


if __name__ == "__main__":
    main()
