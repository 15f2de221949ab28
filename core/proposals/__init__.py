"""Proposals and needs: lifecycle, commands, photos and read models."""
