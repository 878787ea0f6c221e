from propdesk.cli import main

main()
