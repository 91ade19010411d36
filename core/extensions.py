"""Every Flask extension is created here and bound to the app in ``create_app``."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Objects stay readable after commit, so a view can answer with what a service just saved.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are set on the routes they guard (core/security.py); nothing else is limited. The storage
# comes from RATELIMIT_STORAGE_URI; a breach is answered by core.security.rate_limited.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=False)
