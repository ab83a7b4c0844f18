"""The machinery the build steps use."""
