"""The visitor check-in terminal: one factory (`make_visitor_app`), screens, widgets, styles."""
