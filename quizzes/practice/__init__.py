"""Practice: topics, personal sets (missed, unseen, due), the owner drill and the
classify drill, with instant feedback."""
