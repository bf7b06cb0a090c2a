"""Twilio's own limits on one message: more than this is a sign of something wrong, never a reason to stall."""

# Characters in a message body (WhatsApp or SMS, all segments together).
BODY_CHARS = 1600
# Media items (pictures, voice notes) on one message.
MEDIA_ITEMS = 10
