from harvester_cli.app import main

main()
