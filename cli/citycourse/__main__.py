"""`python -m citycourse`."""

from citycourse.app import main

main()
