from flask import Blueprint

bp = Blueprint("seller", __name__)
