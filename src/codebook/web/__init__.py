"""The team server (`codebook serve`): the workbench in web browsers, behind a sign-in.

`server.WebServer` wraps textual-serve; `auth` holds sessions, throttling and origin rules;
`accounts` connects sign-in to a project's users. Nothing here is imported by `codebook --help`.
"""
