"""{% load masking %} {{ applicant.id_number|mask_id }} {{ contact.phone|mask_phone }}"""
from django import template

from core.crypto import mask_id_number, mask_phone

register = template.Library()
register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
