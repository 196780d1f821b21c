def parse_file(): pass
def parse_grid(): pass
