"""The bundled demo site and the small local server that serves site folders."""
