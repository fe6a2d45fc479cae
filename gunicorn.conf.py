"""gunicorn's settings for the tracker; gunicorn reads this file from the working directory.

The master process loads the app and builds the timeline's columns once (see
tracker/timeline_index.py) before it forks the workers: each worker starts with them, sharing
their memory with the others until it patches an edit in, and catches up on the change log at
its first request instead of reading every event again.
"""

preload_app = True


def post_request(worker, req, environ, resp):
    # What a request's counting freed goes back to the system, so a worker's memory stays
    # near its columns' (tracker/timeline_index.py, "Memory").
    from tracker import timeline_index

    timeline_index.give_back_memory()


def when_ready(server):
    from django.db import connections

    from tracker import timeline_index

    try:
        timeline_index.INDEX.current()
    except Exception as error:  # noqa: BLE001 (the workers will build their own)
        server.log.warning("Timeline columns not built before forking: %s", error)
    finally:
        connections.close_all()  # no database connection may be shared with the workers
