"""The ``citykg`` command: ``main`` is a lazy click group that names each command's module as a string,
``_common`` what the command modules share; one module per family of commands. Nothing outside this
package imports it."""
