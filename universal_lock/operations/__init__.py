"""The operations behind the commands: ``lock`` (and, later, ``sync`` and ``diff``).

Each takes plain arguments, does its work through the layers below, and returns a result
value; the CLI renders it. Nothing here prints.
"""
