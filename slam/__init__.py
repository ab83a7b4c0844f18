"""slam: deploy Python functions and WSGI apps to AWS Lambda, one CloudFormation stack each."""

__version__ = "0.1.0"
