"""Danmarks Statistik's deliveries (spec 3.6): the L201/L231 XML files and the deliveries made.

The rules (which grants, "Ny"/"Ændring", consolidation) are the engine's (engine/dst.py); this
package reads the cases into it, writes the XML and keeps the log of real deliveries."""
