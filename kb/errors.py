"""Exceptions raised by the knowledge base; the web app maps each to a status."""


class KBError(Exception):
    """Base class of every error the knowledge base reports to a user."""

    status = 500


class UnknownQuery(KBError):
    """A named query that does not exist."""

    status = 404


class InvalidParameter(KBError):
    """A query parameter that is missing, unknown or malformed."""

    status = 400


class QueryTimeout(KBError):
    """A query that ran past the time limit and was stopped."""

    status = 503


class StoreUnavailable(KBError):
    """A store that is not built yet or a remote endpoint that does not answer."""

    status = 503


class ValidationFailed(KBError):
    """Data that does not parse, does not pass the shapes, or fails a check."""

    status = 422

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
