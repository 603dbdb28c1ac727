"""API shapes of motions and suggestions: ``inputs`` (bodies and filters), ``outputs``
(what signed-in readers see, as the selectors allow) and ``public`` (what anyone may
read of a published item: never contact data)."""
