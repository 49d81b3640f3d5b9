// kesu at phone width: label the cells of .table-cards tables from their header.
