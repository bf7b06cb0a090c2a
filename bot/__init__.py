"""Welkom: the WhatsApp/SMS companion for newcomers and their coordinators."""
