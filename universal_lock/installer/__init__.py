"""The installer behind ``ulock sync``: interpreter probe, wheel tags, plan, fetch, build, install.

``operations.sync`` drives these modules; see docs/sync.md. ``plan`` is pure; ``interpreter``
runs the target Python as a subprocess; ``fetch`` and ``build`` do the I/O before anything in
the environment changes; ``transaction`` changes it one distribution at a time.
"""
