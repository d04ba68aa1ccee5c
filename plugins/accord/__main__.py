from accord.commands.cli import run

run()
