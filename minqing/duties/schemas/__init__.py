"""API shapes of duty work (履职): ``inputs`` (bodies and filters), ``outputs`` (what
signed-in readers see of activities, reception days and reports, as the selectors
allow), ``points`` (points, rules, rankings, awards) and ``public`` (what anyone may
read: a deputy's public profile and duty record, published rankings; never contact
data)."""
