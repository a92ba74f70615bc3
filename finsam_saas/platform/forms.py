from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-postadress", validators=[DataRequired("Skriv din e-postadress.")])
    password = PasswordField("Lösenord", validators=[DataRequired("Skriv ditt lösenord.")])


class TokenForm(FlaskForm):
    name = StringField("Namn på nyckeln", validators=[DataRequired("Ge nyckeln ett namn."), Length(max=100)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF field, for buttons that change something."""


class MembershipForm(FlaskForm):
    email = EmailField("E-postadress", validators=[DataRequired("Skriv användarens e-postadress."), Length(max=254)])
    role = SelectField("Roll", validators=[DataRequired("Välj en roll.")])


class RoleForm(FlaskForm):
    role = SelectField("Roll", validators=[DataRequired("Välj en roll.")])
