"""The request id travels with the background tasks queued while a request is answered.

``DatabaseBackend`` (django-tasks-db's, plus one key) stores the id of the running request
or task beside the task's arguments (``args_kwargs["request_id"]``, in the same INSERT: no
extra query, and the task functions keep their signatures). When the worker starts a task,
``task_started`` binds that id, so every line the task logs (the delivery of an e-mail, its
failure, the worker's own "Task … state=…" lines) carries the id of the request that caused
it; ``task_finished`` unbinds it. A task queued by a task inherits the id the same way.
"""

from __future__ import annotations

from typing import Any

from django.tasks.signals import log_task_started, task_finished, task_started
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend
from django_tasks_db.compat import normalize_json

from openimi.observability import context

_KEY = "request_id"


class DatabaseBackend(_DatabaseBackend):
    """django-tasks-db's backend, recording the current request id with each task.

    ``_task_to_db_task`` is django-tasks-db 0.13's own, with the one key added to the JSON
    of the arguments (which the library reads by its "args" and "kwargs" keys only).
    """

    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.create(
            id=self._get_id(),
            args_kwargs=_args_kwargs(args, kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )

    async def _atask_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult

        return await DBTaskResult.objects.acreate(
            id=self._get_id(),
            args_kwargs=_args_kwargs(args, kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )


def _args_kwargs(args: Any, kwargs: Any) -> Any:
    payload = {"args": args, "kwargs": kwargs}
    request_id = context.current_request_id()
    if request_id:
        payload[_KEY] = request_id
    return normalize_json(payload)


def request_id_of(task_result: Any) -> str:
    """The request id stored with a task (empty if none, or another backend's task)."""
    db_result = getattr(task_result, "db_result", None)
    stored = getattr(db_result, "args_kwargs", None)
    request_id = stored.get(_KEY, "") if isinstance(stored, dict) else ""
    return request_id if context.sane(request_id) else ""


_bound: list[object] = []  # a worker runs one task at a time; a stack all the same


def bind_task_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    # A task run at once in the request (another backend) keeps the request's id.
    _bound.append(context.bind(request_id_of(task_result) or context.current_request_id()))


def unbind_task_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if _bound:
        context.unbind(_bound.pop())


def connect() -> None:
    """Bind before Django's own "Task … started" line is logged, unbind after its "finished"
    line: Django connected its logging receivers first, so the start one is moved behind."""
    task_started.connect(bind_task_request_id, dispatch_uid="openimi.request_id.bind")
    task_started.disconnect(log_task_started)
    task_started.connect(log_task_started)
    task_finished.connect(unbind_task_request_id, dispatch_uid="openimi.request_id.unbind")
