"""The machinery the build steps use: pip for Lambda's platform, bytecode, reproducible zips.

Nothing here knows about doit: the steps in :mod:`slam.tasks` call these modules.
"""

# The folder beside slam.yaml holding the project's build state; never packaged.
STATE_DIR = ".slam"
