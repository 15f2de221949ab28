"""Hearings (听证会), argumentation meetings (论证会), forums (座谈会), online consultations."""
