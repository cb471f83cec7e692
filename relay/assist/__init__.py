"""Machine drafts for translators (issue 14): translation engines behind a small interface
(:mod:`~relay.assist.engine`), LibreTranslate over HTTP and Argos Translate in process, the
resilience rules (:mod:`~relay.assist.policy`), the background draft worker
(:mod:`~relay.assist.drafter`) and the chrF/TER measurement (:mod:`~relay.assist.scores`).

A machine draft is only ever a starting point shown to a translator: nothing here publishes.
"""
