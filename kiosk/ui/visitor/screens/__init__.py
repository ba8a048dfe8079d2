"""The visitor's steps, one screen each; they show what the app hands them and post messages up."""
