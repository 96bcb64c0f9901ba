from tribu.cli import main

main()
