"""What the bot did not understand, for improving it without reading anyone's
conversation: anonymous counts of its confusions (``confusions``), the
person's consent to keep such a message (``consent``), the message masked
(``masking``) in a review list supervisors turn into NLU examples (``items``).
"""
