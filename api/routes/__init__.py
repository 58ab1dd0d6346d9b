"""HTTP routes: each module one resource family, each handler parse -> call one query -> return."""
