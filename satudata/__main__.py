"""``python -m satudata`` = the ``satudata`` command."""

from satudata.cli.main import main

main()
